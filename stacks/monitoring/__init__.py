"""The application's monitoring stack: one CloudWatch dashboard per application and stage."""
