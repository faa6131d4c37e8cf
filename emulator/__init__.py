"""The offline AWS emulator: moto's server with an adapter that closes the CloudFormation
gaps CDK apps hit, so that the CDK CLI deploys into it as into an account.

- ``emulator.server``: ``python -m emulator.server --port N``, the server process.
- ``emulator.process``: start it on a free loopback port, find it again, stop it.
- ``emulator.adapter``: patches moto's CloudFormation in the server's process, with the
  models of ``emulator.models`` (one self-registering module per AWS service) and the
  CloudFormation behaviour of ``emulator.cloudformation`` and ``emulator.bucket_policy``.
- ``emulator.notes``: how a stack event says a resource was emulated or skipped
  (standard library only, for readers of stacks).

Nothing here talks to AWS; ``deploy`` orchestrates the sandbox and the real-account path.
See ``emulator/README.md``.
"""
