"""App: the command line and the pipelines it runs (check, fix, baselines)."""
