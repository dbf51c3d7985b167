from datetime import date

import pytest
from django.db import IntegrityError, transaction

from tests.factories import AwardProcessFactory, ContractFactory, EvaluationScoreFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def test_names_read_as_the_register_shows_them():
    process = AwardProcessFactory(reference="AW-2021-007", title="Outreach")
    assert str(process) == "AW-2021-007: Outreach"
    assert process.get_absolute_url() == f"/alliances/{process.alliance.slug}/awards/{process.pk}/"
    assert str(process.policy) == f"Schedule part 10: award routes v{process.policy.version}"


def test_database_refuses_a_second_submission_from_the_same_bidder():
    submission = SubmissionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionFactory(process=submission.process, bidder=submission.bidder)


def test_database_refuses_a_score_above_ten():
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationScoreFactory(score=11)


def test_database_refuses_a_contract_ending_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractFactory(starts_on=date(2022, 1, 1), ends_on=date(2021, 1, 1), extension_until=None)


def test_every_contracts_model_keeps_history():
    score = EvaluationScoreFactory()
    assert score.history.count() == 1
    assert score.submission.history.count() == 1
    assert score.submission.process.history.count() == 1
