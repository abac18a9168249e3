"""Text that must fit a column: derived texts (subjects, titles, notes) are clipped by construction."""

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in an ellipsis when it was cut."""
    text = text or ""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def clip_to_field(model, field_name: str, text: str) -> str:
    """`text` clipped to the max_length of `model.field_name`."""
    return clip(text, model._meta.get_field(field_name).max_length)


def counted(n: int, noun: str) -> str:
    """ "1 action", "2 actions": a count people read in a notification."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
