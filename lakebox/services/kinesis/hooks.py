"""Kinesis's hooks into the pipeline (the interface is `lakebox/aws/hooks.py`): the
stream or consumer a request acts on, for its caller's session policies."""
from lakebox.services.kinesis.lookup import stream_arn


def iam_request(ctx, params):
    """`kinesis:<Operation>` on the consumer or stream the request names (by ARN or by
    name); a request naming neither (ListStreams) leaves the resource unchecked."""
    arn = params.get("ConsumerARN") or params.get("StreamARN") or params.get("ResourceARN")
    if arn is None and params.get("StreamName"):
        arn = stream_arn(ctx.account, ctx.region, params["StreamName"])
    return f"kinesis:{ctx.operation}", arn, None
