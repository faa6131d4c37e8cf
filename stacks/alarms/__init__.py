"""The application's alarm stack: one alarm topic per application and stage."""
