"""How the search reads words (alliance.search_text): the same for every database and every caller."""

from alliance.search_text import parse_query, terms, trigram_similarity


def test_words_are_folded_and_split_at_anything_not_a_letter_or_digit():
    assert terms("Night-time HUB, Café 2023/24") == "night time hub cafe 2023 24"


def test_word_forms_share_one_stem():
    assert terms("hubs tenancies budgets") == terms("hub tenancy budget")


def test_a_query_drops_common_words_unless_it_is_nothing_else():
    assert [w.term for w in parse_query("Set the budget for 2023")] == ["set", "budget", "2023"]
    assert [w.term for w in parse_query("the")] == ["the"]


def test_a_query_keeps_each_word_once():
    assert [w.term for w in parse_query("hub hubs HUB")] == ["hub"]


def test_short_words_and_numbers_are_not_corrected_as_typos():
    assert [w.correctable for w in parse_query("hub 2023 outrech")] == [False, False, True]


def test_trigram_similarity_is_pg_trgms():
    # pg_trgm: SELECT similarity('budget', 'budgt') = 0.44444445; similarity('outreach', 'outrech') = 0.54545456
    assert round(trigram_similarity("budget", "budgt"), 4) == 0.4444
    assert round(trigram_similarity("outreach", "outrech"), 4) == 0.5455
    assert trigram_similarity("hub", "hub") == 1.0
