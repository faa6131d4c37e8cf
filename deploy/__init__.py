"""Deploying the app: an offline sandbox on moto, smoke checks, and a guarded path to AWS.

- ``make sandbox`` / ``make sandbox-down``: ``deploy.harness.sandbox_up`` / ``sandbox_down``
  deploy every stack through the pinned CDK CLI into a local moto server
  (``deploy.emulator``, ``deploy.server``), whose CloudFormation gaps
  ``deploy.moto_adapter`` closes; then the smoke checks (``deploy.smoke``) run.
- ``make deploy`` / ``destroy`` / ``diff`` / ``smoke``: the same CLI and checks against
  the AWS account of the user's credentials, with guards (``deploy.real_account``).

``deploy.isolation`` keeps the two apart: the sandbox runs with its own dummy
credentials and a loopback endpoint only, and the real path refuses a loopback endpoint.
"""
