"""What both event consumers share: Powertools' logger, tracer and metrics, the DynamoDB client
configuration, the batch processor, and the handling of one SQS message around a handler's work.

The handlers import this file as the top-level module ``consumer`` (it ships in the same Lambda
asset); a function loads one handler, so these objects serve one handler per execution environment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from botocore.config import Config
from botocore.exceptions import ClientError
from contract import METRIC_FAILED_MESSAGES, METRIC_INVALID_MESSAGES
from messages import InvalidMessageError, Notification, parse_notification

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

__all__ = ["DYNAMODB_CONFIG", "error_code", "handle_record", "logger", "metrics", "processor", "tracer"]

# Service name, metrics namespace and log level come from the environment (Powertools reads them).
logger = Logger()
tracer = Tracer()
metrics = Metrics()

#: botocore's default ("legacy") retries make up to 10 DynamoDB attempts, about 25 s of backoff
#: alone, with 60 s connect and read timeouts: one throttled message could use up the whole
#: invocation and send the batch back. Standard mode, 3 attempts, short timeouts: a message that
#: still fails is reported on its own and SQS delivers it again later. A retried write that had
#: succeeded finds its own item and counts as a duplicate: nothing is written twice.
DYNAMODB_CONFIG: Final = Config(
    retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=2, read_timeout=5
)

# Every outcome is a partial batch response, also when every record fails: an all-failed
# batch then looks like any other to the event source mapping (no function error).
processor: Final = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def error_code(error: ClientError) -> str:
    code: str = error.response.get("Error", {}).get("Code", "")
    return code


def handle_record(record: SQSRecord, work: Callable[[Notification], None], *, expected: str) -> None:
    """One SQS message: its SNS notification, handed to ``work``. Raising reports it in
    ``batchItemFailures``: SQS delivers it again, and after the queue's maxReceiveCount moves
    it to the dead-letter queue. ``work`` raises ``InvalidMessageError`` for a notification
    that is not ``expected``, before it writes anything."""
    with logger.append_context_keys(message_id=record.message_id):
        try:
            work(parse_notification(record.body))
        except InvalidMessageError as error:
            metrics.add_metric(name=METRIC_INVALID_MESSAGES, unit=MetricUnit.Count, value=1)
            metrics.add_metric(name=METRIC_FAILED_MESSAGES, unit=MetricUnit.Count, value=1)
            logger.error(f"invalid message: not {expected}", extra={"problem": str(error)})
            raise
        except Exception:
            metrics.add_metric(name=METRIC_FAILED_MESSAGES, unit=MetricUnit.Count, value=1)
            logger.exception("processing failed: the message will be delivered again")
            raise
        finally:
            logger.set_correlation_id(None)
