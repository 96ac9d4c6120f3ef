"""Judge: row analysis, the rule loader and engine, the check kinds, and form-level judgements."""
