class Versioned:
    """Raise `version` on every save of an existing row, for optimistic locking.

    A form remembers the version it was loaded at; a save from a stale version is refused
    (see initiatives/locking.py). Fixture loading saves raw and keeps the stored version.
    """

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "version" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "version"]
        super().save(*args, **kwargs)
