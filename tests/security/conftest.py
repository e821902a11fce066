# The clamd fixtures (a fake one; the real one when it runs) for the antivirus tests.
from tests.clamd import fake_clamd, real_clamd  # noqa: F401
