"""Read: one module per source format, each turning a file into Documents of forms and rows."""
