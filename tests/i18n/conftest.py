# The authorization matrix's World (one of each object a page needs) is the pseudo-locale walk's too.
from tests.riskreg.test_authorization_matrix import world  # noqa: F401
