"""SNS topic -> SQS queues: ``FanOut``."""

from cdk_refarch.fan_out.construct import FanOut
from cdk_refarch.fan_out.monitoring import FanOutAlarmOptions
from cdk_refarch.fan_out.options import FilterPolicy, QueueConsumer, QueueOptions

__all__ = [
    "FanOut",
    "FanOutAlarmOptions",
    "FilterPolicy",
    "QueueConsumer",
    "QueueOptions",
]
