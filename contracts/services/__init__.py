"""Every state change of award policies, award processes and contracts, split by concern; import from here.

``contracts.services.record_score(...)`` works whichever module holds the function.
"""

from contracts.services.approval import *  # noqa: F403
from contracts.services.delivery import *  # noqa: F403
from contracts.services.evaluation import *  # noqa: F403
from contracts.services.futures import *  # noqa: F403
from contracts.services.measures import *  # noqa: F403
from contracts.services.notes import *  # noqa: F403
from contracts.services.oversight_queries import *  # noqa: F403
from contracts.services.policies import *  # noqa: F403
from contracts.services.processes import *  # noqa: F403
from contracts.services.scope import *  # noqa: F403
from contracts.services.stages import *  # noqa: F403
from contracts.services.transitions import *  # noqa: F403
