"""CloudWatch alarms, on a metric and on metric math."""

from __future__ import annotations

from tests.emulator.conftest import Cloud


def test_alarms_on_a_metric_and_on_metric_math(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Errors": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "Namespace": "AWS/Lambda",
                    "MetricName": "Errors",
                    "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
                    "Statistic": "Sum",
                    "Period": 60,
                    "EvaluationPeriods": 1,
                    "Threshold": 1,
                    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                    "TreatMissingData": "notBreaching",
                },
            },
            "ErrorRate": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "EvaluationPeriods": 3,
                    "Threshold": 5,
                    "ComparisonOperator": "GreaterThanThreshold",
                    "Metrics": [
                        {"Id": "rate", "Expression": "100 * errors / MAX([errors, 1])"},
                        {
                            "Id": "errors",
                            "ReturnData": False,
                            "MetricStat": {
                                "Stat": "Sum",
                                "Period": 300,
                                "Metric": {"Namespace": "AWS/ApiGateway", "MetricName": "5XXError"},
                            },
                        },
                    ],
                },
            },
        }
    )
    alarms = {a["AlarmName"]: a for a in cloud.client("cloudwatch").describe_alarms()["MetricAlarms"]}
    assert alarms[cloud.physical_id("Errors")]["Dimensions"] == [{"Name": "FunctionName", "Value": "f"}]
    assert [m["Id"] for m in alarms[cloud.physical_id("ErrorRate")]["Metrics"]] == ["rate", "errors"]

    assert cloud.delete() == "DELETE_COMPLETE"
    assert cloud.client("cloudwatch").describe_alarms()["MetricAlarms"] == []
