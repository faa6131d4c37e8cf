"""CloudWatch alarms, on a metric and on metric math; dashboards with their tags and names."""

from __future__ import annotations

import json

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


def _dashboard(body: object, **properties: object) -> dict[str, object]:
    return {"Type": "AWS::CloudWatch::Dashboard", "Properties": {"DashboardBody": body, **properties}}


# A body as CDK writes it: JSON text joined around the references it reads.
BODY = {
    "Fn::Join": [
        "",
        [
            '{"widgets":[{"type":"metric","properties":{"metrics":[["AWS/SQS","NumberOfMessagesSent","QueueName","',
            {"Fn::GetAtt": ["Queue", "QueueName"]},
            '"]]}}]}',
        ],
    ]
}
TAGS = [{"Key": "Pattern", "Value": "application-dashboard"}, {"Key": "Stage", "Value": "sandbox"}]


def test_dashboards_with_and_without_a_name_and_tags(cloud: Cloud) -> None:
    stack = cloud.deploy(
        {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Generated": _dashboard(BODY, Tags=TAGS),
            "Named": _dashboard('{"widgets":[]}', DashboardName="shop-sandbox"),
        },
        outputs={"Name": {"Value": {"Ref": "Generated"}}},
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE", cloud.events()
    client = cloud.client("cloudwatch")
    generated = cloud.physical_id("Generated")
    # Named from the stack and the logical ID, as CloudFormation names what it names; Ref is the name.
    assert generated.startswith("stack-Generated-") and cloud.outputs(stack) == {"Name": generated}
    assert cloud.physical_id("Named") == "shop-sandbox"
    assert sorted(d["DashboardName"] for d in client.list_dashboards()["DashboardEntries"]) == sorted(
        [generated, "shop-sandbox"]
    )
    dashboard = client.get_dashboard(DashboardName=generated)
    metric = json.loads(dashboard["DashboardBody"])["widgets"][0]["properties"]["metrics"][0]
    queue_name = cloud.physical_id("Queue").rsplit("/", 1)[-1]
    assert metric == ["AWS/SQS", "NumberOfMessagesSent", "QueueName", queue_name]
    assert client.list_tags_for_resource(ResourceARN=dashboard["DashboardArn"])["Tags"] == TAGS
    named = client.get_dashboard(DashboardName="shop-sandbox")
    assert client.list_tags_for_resource(ResourceARN=named["DashboardArn"])["Tags"] == []

    assert cloud.delete() == "DELETE_COMPLETE"
    assert client.list_dashboards()["DashboardEntries"] == []
    assert client.list_tags_for_resource(ResourceARN=dashboard["DashboardArn"])["Tags"] == []


def test_a_new_body_keeps_the_generated_name(cloud: Cloud) -> None:
    cloud.deploy({"Dashboard": _dashboard('{"widgets":[]}')})
    name = cloud.physical_id("Dashboard")
    body = '{"widgets":[{"type":"text","properties":{"markdown":"## Tier"}}]}'
    template = {"Resources": {"Dashboard": _dashboard(body)}}
    cloud.client("cloudformation").update_stack(StackName="stack", TemplateBody=json.dumps(template))
    assert cloud.physical_id("Dashboard") == name
    assert cloud.client("cloudwatch").get_dashboard(DashboardName=name)["DashboardBody"] == body


def test_a_body_that_is_not_a_json_object_fails_as_put_dashboard_does(cloud: Cloud) -> None:
    stack = cloud.deploy({"Dashboard": _dashboard("widgets: []")})
    assert stack["StackStatus"] == "CREATE_FAILED"
    status, reason = cloud.events()["Dashboard"]
    assert status == "CREATE_FAILED" and "The field DashboardBody must be a valid JSON object" in reason
    assert cloud.client("cloudwatch").list_dashboards()["DashboardEntries"] == []
