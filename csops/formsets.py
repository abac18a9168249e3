"""Matrices edited as a whole table: each problem on the row it concerns, and a summary at the top.

A matrix screen's formset holds every row of its table, so the whole table is checked as it will
be after saving (gaps between bands, a cell priced twice), and each problem is put on every row it
involves. The summary at the top (the formset's non-form errors) lists every problem with the row
it is on, so nobody has to hunt down a long table for the one red cell.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

# The code the matrices' unique constraints raise (violation_error_code): a row that clashes with a
# row already saved. The whole-table check finds the same clash with both rows named, or finds
# that the saved row is being changed or removed in the same save, so these are replaced by it.
DUPLICATE = "duplicate"


class MatrixFormSetMixin:
    """For a BaseModelFormSet over a whole table. Subclasses give `row_label` and `table_problems`."""

    def row_label(self, form) -> str:
        raise NotImplementedError

    def table_problems(self, rows) -> list[tuple[list, str]]:
        """[(the rows involved, a sentence)] for the rows that will be saved (all valid)."""
        return []

    def validate_unique(self):
        # Django's own cross-row check says "Please correct the duplicate data for industry,
        # client_size and service"; table_problems() says which rows and what to do.
        pass

    def _label(self, index, form) -> str:
        return f"Row {index + 1} ({self.row_label(form)})"

    def clean(self):
        kept = [
            (i, form)
            for i, form in enumerate(self.forms)
            if form.has_changed() or i < self.initial_form_count()
        ]
        kept = [(i, form) for i, form in kept if not self._should_delete_form(form)]
        dropped = {form: _drop_duplicate_errors(form) for _, form in kept}
        lines = []
        for i, form in kept:
            for field, errors in form.errors.items():
                name = "" if field == NON_FIELD_ERRORS else f"{form.fields[field].label}: "
                lines.extend(f"{self._label(i, form)}: {name}{error}" for error in errors)
        position = {form: i for i, form in kept}
        # the whole-table checks read the table as it will be saved: only once every row is readable
        # (a row with a bad amount would otherwise show up as a gap between its neighbours)
        problems = [] if lines else self.table_problems([form for _, form in kept])
        for involved, sentence in problems:
            for form in involved:
                form.add_error(None, sentence)
            numbers = [str(position[form] + 1) for form in involved]
            where = f" (row{'s' if len(numbers) > 1 else ''} {' and '.join(numbers)})" if numbers else ""
            lines.append(f"{sentence}{where}")
        # a clash the table does not explain (a row someone else saved meanwhile) stands as it was
        explained = {form for involved, _ in problems for form in involved}
        for i, form in kept:
            for error in [] if form in explained else dropped[form]:
                form.add_error(None, error)
                lines.append(f"{self._label(i, form)}: {' '.join(error.messages)}")
        if lines:
            count = len(lines)
            raise forms.ValidationError(
                [f"Nothing was saved: {count} thing{'s' if count > 1 else ''} to put right.", *lines]
            )


def _drop_duplicate_errors(form) -> list:
    """Take the row's "already exists" errors off it, and return them."""
    errors = form.errors.get(NON_FIELD_ERRORS)
    if not errors:
        return []
    dropped = [e for e in errors.as_data() if e.code == DUPLICATE]
    kept = [e for e in errors.as_data() if e.code != DUPLICATE]
    if kept:
        form._errors[NON_FIELD_ERRORS] = form.error_class(
            kept, error_class="nonfield", renderer=form.renderer
        )
    else:
        del form._errors[NON_FIELD_ERRORS]
    return dropped
