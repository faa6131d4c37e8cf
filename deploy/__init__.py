"""Deploying the app: an offline sandbox on moto, smoke checks, and a guarded path to AWS.

- ``make sandbox`` / ``make sandbox-down``: ``deploy.harness.sandbox_up`` / ``sandbox_down``
  deploy every stack through the pinned CDK CLI into the offline emulator, moto's
  server with the CloudFormation models and fixes of the ``emulator`` package (started
  and stopped with ``emulator.process``; see ``emulator/README.md``); then the smoke
  checks (``deploy.smoke``) run and ``deploy.inventory`` / ``deploy.report`` tell what
  the emulator created, emulated or skipped.
- ``make deploy`` / ``destroy`` / ``diff`` / ``smoke``: the same CLI and checks against
  the AWS account of the user's credentials, with guards (``deploy.real_account``).

``deploy.isolation`` keeps the two apart: the sandbox runs with its own dummy
credentials and a loopback endpoint only, and the real path refuses a loopback endpoint.
"""
