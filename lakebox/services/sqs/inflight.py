"""What a receiver does with a message it holds: DeleteMessage(Batch) and
ChangeMessageVisibility(Batch), by receipt handle."""
from lakebox.services.sqs import model, store, throughput, waiting
from lakebox.services.sqs.errors import InvalidParameterValue, MessageNotInflight, ReceiptHandleIsInvalid, SqsError
from lakebox.services.sqs.lookup import queue_from
from lakebox.services.sqs.receiving import MAX_VISIBILITY_S, note_in_flight


def delete_message(ctx, params):
    queue = queue_from(ctx, params)
    throughput.admit(ctx, queue, store.attributes_of(queue))
    _delete(ctx, queue, params["ReceiptHandle"])
    return {}


def delete_message_batch(ctx, params):
    """Each entry judged on its own, against one read of the messages its handles name;
    the deletions in one statement."""
    queue = queue_from(ctx, params)
    entries = params["Entries"]
    model.check_batch_ids(entries, "DeleteMessageBatchRequestEntry")
    throughput.admit(ctx, queue, store.attributes_of(queue))
    held = store.message_states(ctx.state.db, [seq for seq in map(_seq_of, entries) if seq is not None])
    doomed = []
    with ctx.state.db.transaction():
        result = _batch(ctx, entries, lambda entry: _delete(ctx, queue, entry["ReceiptHandle"], held, doomed))
        store.delete_messages(ctx.state.db, doomed)
    return result


def _seq_of(entry):
    try:
        return model.parse_receipt_handle(entry["ReceiptHandle"])[1]
    except ReceiptHandleIsInvalid:
        return None


def change_message_visibility(ctx, params):
    queue = queue_from(ctx, params)
    _change(ctx, queue, params["ReceiptHandle"], params["VisibilityTimeout"])
    return {}


def change_message_visibility_batch(ctx, params):
    queue = queue_from(ctx, params)
    entries = params["Entries"]
    model.check_batch_ids(entries, "ChangeMessageVisibilityBatchRequestEntry")
    return _batch(ctx, entries, lambda entry: _change(ctx, queue, entry["ReceiptHandle"],
                                                      entry.get("VisibilityTimeout", 0)))


def _batch(ctx, entries, act) -> dict:
    """Each entry on its own (a refused one changes nothing), committed together."""
    successful, failed = [], []
    with ctx.state.db.transaction():
        for entry in entries:
            try:
                act(entry)
            except SqsError as error:
                failed.append({"Id": entry["Id"], "SenderFault": error.sender_fault, "Code": error.query_code,
                               "Message": error.message})
            else:
                successful.append({"Id": entry["Id"]})
    return model.batch_result(successful, failed)


def _held(ctx, queue, handle, held=None):
    """The message row a receipt handle of this queue names (None once it is gone), and
    whether the handle is the one of the message's latest receive. `held`: the rows
    already read, by seq."""
    queue_uid, seq, token = model.parse_receipt_handle(handle)
    if queue_uid != queue["uid"]:
        raise ReceiptHandleIsInvalid(f'The input receipt handle "{handle}" is not a valid receipt handle.')
    row = held.get(seq) if held is not None else store.message_state(ctx.state.db, seq)
    if row is None or row["queue_uid"] != queue["uid"]:
        return None, False
    return row, row["token"] == token


def _delete(ctx, queue, handle, held=None, doomed=None):
    """Delete the message a handle names (into `doomed`, the batch's list, if given)."""
    row, current = _held(ctx, queue, handle, held)
    if row is None:
        return                          # already deleted: deleting again succeeds
    if queue["fifo"] and (not current or row["visible_at"] <= ctx.now):
        raise InvalidParameterValue(f"Value {handle} for parameter ReceiptHandle is invalid. Reason: The receipt "
                                    "handle has expired.")
    if current:
        # An older handle (the message was received again since) succeeds but deletes
        # nothing, as AWS documents: only the latest receive's handle deletes.
        if doomed is None:
            store.delete_message(ctx.state.db, row["seq"])
        else:
            doomed.append(row["seq"])


def _change(ctx, queue, handle, timeout):
    row, current = _held(ctx, queue, handle)
    # On a standard queue an earlier receive's handle still changes the message, even
    # while a later receive holds it (recorded from AWS: localstack's validated
    # test_terminate_visibility_timeout_after_receive gives a message back with the
    # first of two handles); a FIFO queue's earlier handle has expired.
    if row is None or (queue["fifo"] and not current):
        raise InvalidParameterValue(f"Value {handle} for parameter ReceiptHandle is invalid. Reason: Message does "
                                    "not exist or is not available for visibility timeout change.")
    # A standard queue's message whose visibility lapsed, not received again since, is
    # hidden again by its latest receive's handle: AWS answers 200 (recorded from AWS:
    # localstack's test_change_message_visibility_after_visibility_timeout_expiration).
    # One given back (VisibilityTimeout 0) is no longer in flight for that handle.
    if row["visible_at"] <= ctx.now and (queue["fifo"] or row["received_at"] is None):
        raise MessageNotInflight()
    # A receive's visibility lasts 12 hours at most, however often it is extended.
    held_for = ctx.now - row["received_at"] if row["received_at"] is not None else 0.0
    if not 0 <= timeout <= MAX_VISIBILITY_S - held_for:
        raise InvalidParameterValue(f"Value {timeout} for parameter VisibilityTimeout is invalid. Reason: Total "
                                    f"VisibilityTimeout for the message is beyond the limit [{MAX_VISIBILITY_S} "
                                    "seconds]")
    if timeout == 0:
        store.release(ctx.state.db, row["seq"], ctx.now)
        waiting.notify(ctx.state, queue["uid"])
    else:
        if row["visible_at"] <= ctx.now:            # in flight again
            note_in_flight(ctx.state, queue["uid"], 1)
        store.set_visible_at(ctx.state.db, row["seq"], ctx.now + timeout)
