"""SendMessage and SendMessageBatch: checks, delays, FIFO deduplication, the digests
clients verify. A batch's good entries land in one transaction; bad ones are reported
per entry and change nothing."""
from lakebox.services.sqs import attributes, encryption, model, store, throughput, waiting
from lakebox.services.sqs.errors import BatchRequestTooLong, InvalidParameterValue, MissingParameter, SqsError
from lakebox.services.sqs.lookup import queue_from

DEDUP_INTERVAL_S = 300
MAX_DELAY_S = 900
SYSTEM_ATTRIBUTES = ("AWSTraceHeader",)
NO_DEDUP_ID = ("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided "
               "explicitly")


class Prepared:
    """One message checked and ready to store, or a FIFO duplicate of one sent before (in
    an earlier call, or earlier in the same batch)."""

    def __init__(self, row=None, result=None, dedup=None, original=None):
        self.row = row                  # the tuple store.insert_messages takes
        self.result = result            # the response members
        self.dedup = dedup              # (scope, dedup_id) of a FIFO message
        self.original = original        # the Prepared of the same batch this one repeats


def send_message(ctx, params):
    queue = queue_from(ctx, params)
    [(entry, outcome)] = _send(ctx, queue, [params])
    if isinstance(outcome, SqsError):
        raise outcome
    return outcome


def send_message_batch(ctx, params):
    queue = queue_from(ctx, params)
    entries = params["Entries"]
    model.check_batch_ids(entries, "SendMessageBatchRequestEntry")
    total = sum(len(e["MessageBody"].encode()) + _attributes_size(e.get("MessageAttributes")) for e in entries)
    if total > model.MAX_BATCH_BYTES:
        raise BatchRequestTooLong(f"Batch requests cannot be longer than {model.MAX_BATCH_BYTES} bytes. "
                                  f"You have sent {total} bytes.")
    if queue["fifo"]:
        _check_fifo_batch(store.attributes_of(queue), entries)
    successful, failed = [], []
    for entry, outcome in _send(ctx, queue, entries, batch=True):
        if isinstance(outcome, SqsError):
            failed.append({"Id": entry["Id"], "SenderFault": outcome.sender_fault, "Code": outcome.query_code,
                           "Message": outcome.message})
        else:
            successful.append({"Id": entry["Id"], **outcome})
    return model.batch_result(successful, failed)


def _check_fifo_batch(queue_attrs, entries):
    """A FIFO batch with an entry that has no group id, or no deduplication id where the
    queue does not make one, is refused whole, as InvalidParameterValue (unlike one
    SendMessage's MissingParameter): recorded from AWS in localstack's
    test_send_batch_missing_message_group_id_for_fifo_queue and
    test_send_batch_missing_deduplication_id_for_fifo_queue snapshots (2023, 2024)."""
    for entry in entries:
        if not entry.get("MessageGroupId"):
            raise InvalidParameterValue("The request must contain the parameter MessageGroupId.")
        if entry.get("MessageDeduplicationId") is None and queue_attrs.get("ContentBasedDeduplication") != "true":
            raise InvalidParameterValue(NO_DEDUP_ID)


def _attributes_size(attrs) -> int:
    size = 0
    for name, value in (attrs or {}).items():
        data = value.get("BinaryValue") or (value.get("StringValue") or "").encode()
        size += len(name.encode()) + len((value.get("DataType") or "").encode()) + len(data)
    return size


def _send(ctx, queue, entries, batch=False):
    """[(entry, result dict or the SqsError that refused it)], the accepted ones stored
    together (one INSERT for the batch)."""
    db = ctx.state.db
    queue_attrs = store.attributes_of(queue)
    throughput.admit(ctx, queue, queue_attrs)
    sealer = encryption.sealer(ctx, queue, queue_attrs)
    outcomes, in_batch = [], {}
    with db.transaction():
        for entry in entries:
            try:
                prepared = _prepare(ctx, queue, queue_attrs, entry, sealer, in_batch, batch)
            except SqsError as error:
                outcomes.append((entry, error))
                continue
            if prepared.dedup is not None and prepared.original is None:
                in_batch[prepared.dedup] = prepared
            outcomes.append((entry, prepared))
        new = [prepared for _, prepared in outcomes if isinstance(prepared, Prepared) and prepared.row is not None]
        seqs = store.insert_messages(db, [prepared.row for prepared in new])
        if queue["fifo"]:
            _number(ctx, queue, new, seqs)
    if new:
        waiting.notify(ctx.state, queue["uid"])
    return [(entry, outcome if isinstance(outcome, SqsError) else _result(outcome)) for entry, outcome in outcomes]


def _number(ctx, queue, new, seqs):
    """FIFO: each new message's sequence number, and its deduplication id kept 5 minutes."""
    for prepared, seq in zip(new, seqs):
        prepared.result["SequenceNumber"] = sequence_number(seq)
    store.put_dedups(ctx.state.db, [(queue["uid"], *prepared.dedup, ctx.now + DEDUP_INTERVAL_S,
                                     prepared.result["MessageId"], seq) for prepared, seq in zip(new, seqs)])


def _result(prepared) -> dict:
    if prepared.original is not None:        # answered as the message it repeats
        prepared.result.update(MessageId=prepared.original.result["MessageId"],
                               SequenceNumber=prepared.original.result["SequenceNumber"])
    return prepared.result


def sequence_number(seq: int) -> str:
    """FIFO sequence numbers: 20 digits, increasing with send order."""
    return f"{18_000_000_000_000_000_000 + seq:020d}"


def _prepare(ctx, queue, queue_attrs, entry, sealer, in_batch, batch=False) -> Prepared:
    body = entry["MessageBody"]
    model.check_body(body)
    user_attrs = entry.get("MessageAttributes") or {}
    system_attrs = entry.get("MessageSystemAttributes") or {}
    size = len(body.encode()) + model.check_message_attributes(user_attrs)
    _check_system_attributes(system_attrs)
    limit = attributes.int_attribute(queue_attrs, "MaximumMessageSize")
    if size > limit:
        # A batch entry's words differ (recorded from AWS: localstack's
        # test_send_batch_message_size snapshot, 2024).
        words = "cannot be validated" if batch else "are invalid"
        raise InvalidParameterValue(f"One or more parameters {words}. Reason: Message must be shorter than "
                                    f"{limit} bytes.")
    delay = _delay(entry, queue, queue_attrs)
    group_id, dedup_id, dedup = _fifo_fields(ctx, queue, queue_attrs, entry, body)
    result = {"MD5OfMessageBody": model.md5_hex(body.encode())}
    user_attrs, system_attrs = model.stored_attributes(user_attrs), model.stored_attributes(system_attrs)
    if user_attrs:
        result["MD5OfMessageAttributes"] = model.md5_of_attributes(user_attrs)
    if system_attrs:
        result["MD5OfMessageSystemAttributes"] = model.md5_of_attributes(system_attrs)
    if dedup is not None:
        # A duplicate is accepted, not delivered again: the answer names the message first sent.
        if dedup in in_batch:
            return Prepared(result=result, original=in_batch[dedup])
        existing = store.dedup_entry(ctx.state.db, queue["uid"], *dedup, ctx.now)
        if existing is not None:
            result.update(MessageId=existing["message_id"], SequenceNumber=sequence_number(existing["seq"]))
            return Prepared(result=result)
    message_id = result["MessageId"] = model.message_id()
    stored_body, data_key = encryption.stored_body(sealer, message_id, body)
    row = (queue["uid"], message_id, stored_body, store.encode_attributes(user_attrs),
           store.encode_attributes(system_attrs), ctx.now, ctx.now + delay, group_id, dedup_id, _sender_id(ctx), None,
           data_key)
    return Prepared(row=row, result=result, dedup=dedup)


def _sender_id(ctx) -> str:
    """The message's SenderId: the caller's user id (a role session's `AROA...:<session
    name>`, as GetCallerIdentity gives it), the account's id for its own keys."""
    return ctx.session["user_id"] if ctx.session else ctx.account


def _check_system_attributes(system_attrs: dict):
    for name, value in system_attrs.items():
        if name not in SYSTEM_ATTRIBUTES:
            raise InvalidParameterValue(f"Message system attribute name '{name}' is invalid.")
        if value.get("DataType") != "String" or not value.get("StringValue"):
            raise InvalidParameterValue(f"Message system attribute '{name}' must have a non-empty value of "
                                        "type 'String'.")


def _delay(entry, queue, queue_attrs) -> int:
    delay = entry.get("DelaySeconds")
    # A FIFO queue has no per-message delay, but an explicit 0 (what some SDKs send by
    # default) is accepted and leaves the queue's delay in force (recorded from AWS:
    # localstack's test_send_message_with_delay_0_works_for_fifo, validated on AWS).
    if delay is None or (delay == 0 and queue["fifo"]):
        return attributes.int_attribute(queue_attrs, "DelaySeconds")
    if queue["fifo"]:
        raise InvalidParameterValue(f"Value {delay} for parameter DelaySeconds is invalid. Reason: The request "
                                    "include parameter that is not valid for this queue type.")
    if not 0 <= delay <= MAX_DELAY_S:
        raise InvalidParameterValue(f"Value {delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds "
                                    f"must be >= 0 and <= {MAX_DELAY_S}.")
    return delay


def _fifo_fields(ctx, queue, queue_attrs, entry, body):
    """(group id, dedup id, dedup key or None): FIFO queues need a group and a dedup id
    (given, or the body's hash with content-based deduplication)."""
    group_id, dedup_id = entry.get("MessageGroupId"), entry.get("MessageDeduplicationId")
    # An empty group id is refused too, even on a standard queue (recorded from AWS:
    # localstack's test_send_message_to_standard_queue_with_invalid_message_group_id, 2025).
    if group_id is not None:
        model.check_message_token("MessageGroupId", group_id)
    if not queue["fifo"]:
        if dedup_id is not None:
            raise InvalidParameterValue(f"Value {dedup_id} for parameter MessageDeduplicationId is invalid. Reason: "
                                        "The request includes a parameter that is not valid for this queue type.")
        return group_id, None, None
    if not group_id:
        raise MissingParameter("The request must contain the parameter MessageGroupId.")
    if dedup_id is not None:
        model.check_message_token("MessageDeduplicationId", dedup_id)
    elif queue_attrs.get("ContentBasedDeduplication") != "true":
        raise InvalidParameterValue(NO_DEDUP_ID)
    else:
        dedup_id = model.content_dedup_id(body)
    scope = group_id if queue_attrs.get("DeduplicationScope") == "messageGroup" else ""
    return group_id, dedup_id, (scope, dedup_id)
