"""Natural-key lookups remembered for the length of one fixture load.

`loaddata` finds every foreign key given by natural key with a query of its own: the demo's
620 reports looked up their target, member and source 1,860 times for some 220 distinct rows,
half of its run. While a load runs (`remembered()`, entered by the project's `loaddata`), a
lookup that found a row is answered from memory; one that found nothing is asked again next
time, since the row may be loaded in between. Nothing outside a load is remembered.
"""

import contextlib
import contextvars

_found = contextvars.ContextVar("natural_keys_found", default=None)


@contextlib.contextmanager
def remembered():
    token = _found.set({})
    try:
        yield
    finally:
        _found.reset(token)


def get_by_natural_key(manager, **lookup):
    """`manager.get(**lookup)`, from memory when a load already found it."""
    found = _found.get()
    if found is None:
        return manager.get(**lookup)
    key = (manager.model, manager.db, tuple(sorted(lookup.items())))
    if key not in found:
        found[key] = manager.get(**lookup)
    return found[key]
