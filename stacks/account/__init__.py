"""The account stack: settings that exist once per account and region."""
