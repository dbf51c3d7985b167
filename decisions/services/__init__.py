"""Every state change of meetings and decisions, split by concern; import from here.

``decisions.services.cast_vote(...)`` works whichever module holds the function.
"""

from decisions.services.actions import *  # noqa: F403
from decisions.services.advice import *  # noqa: F403
from decisions.services.advisers import *  # noqa: F403
from decisions.services.agenda import *  # noqa: F403
from decisions.services.approvals import *  # noqa: F403
from decisions.services.closing import *  # noqa: F403
from decisions.services.decisions import *  # noqa: F403
from decisions.services.delegated import *  # noqa: F403
from decisions.services.governing import *  # noqa: F403
from decisions.services.meetings import *  # noqa: F403
from decisions.services.minutes import *  # noqa: F403
from decisions.services.past import *  # noqa: F403
from decisions.services.recusals import *  # noqa: F403
from decisions.services.registers import *  # noqa: F403
from decisions.services.releases import *  # noqa: F403
from decisions.services.votes import *  # noqa: F403
