"""STS's hooks into the pipeline (the interface is `lakebox/aws/hooks.py`): a session
policy judges AssumeRole on the role it names."""


def iam_request(ctx, params):
    return f"sts:{ctx.operation}", params.get("RoleArn"), None
