"""At start: a query that was queued or running when the server stopped never finished."""
from lakebox.services.athena import store


def recover(state, suspects):
    store.fail_active(state.db, state.clock.now(), "GENERIC_INTERNAL_ERROR: the server stopped during the query")
