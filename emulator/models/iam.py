"""IAM managed policies that CloudFormation can delete and ``Ref``.

moto's ``AWS::IAM::ManagedPolicy`` model has no delete (the stack reports it deleted and
it stays) and no physical ID (a ``Ref`` yields a Python object).
"""

from __future__ import annotations

from moto.iam.models import ManagedPolicy, iam_backends
from moto.utilities.utils import get_partition

from emulator.models.base import DeletedLikeAws
from emulator.models.registry import overrides


@overrides("AWS::IAM::ManagedPolicy")
class ManagedPolicyDeletedLikeAws(DeletedLikeAws):
    MODEL = ManagedPolicy

    def remove(self) -> None:
        backend = iam_backends[self.account_id][get_partition(self.region_name)]
        arn = self.physical_resource_id
        if arn not in backend.managed_policies:
            return
        policy = backend.managed_policies[arn]
        # CloudFormation detaches a managed policy before deleting it; IAM refuses otherwise.
        for holder in [*backend.roles.values(), *backend.users.values(), *backend.groups.values()]:
            if arn in holder.managed_policies:
                policy.detach_from(holder)
        backend.delete_policy(arn)
