"""Core: the data model passed between stages, packaged resources, configuration and caches."""
