"""OneWriteTransport: a response's head leaves with its body, in one write, and nothing
is held back past the response's end or the close."""
from lakebox.httpwire import JOIN_BELOW, OneWriteTransport


class Recording:
    def __init__(self):
        self.sent = []            # one entry per system call the real transport would make
        self.closed = False

    def write(self, data):
        self.sent.append(bytes(data))

    def writelines(self, pieces):
        self.sent.append(b"".join(pieces))

    def close(self):
        self.closed = True

    def get_extra_info(self, name):
        return f"info:{name}"


HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"


def test_head_and_body_leave_in_one_write():
    real = Recording()
    wire = OneWriteTransport(real)
    wire.write(HEAD)
    assert real.sent == []
    wire.write(b"hello")
    wire.response_sent()
    assert real.sent == [HEAD + b"hello"]


def test_a_big_body_piece_goes_beside_the_head_uncopied():
    real = Recording()
    wire = OneWriteTransport(real)
    big = b"x" * JOIN_BELOW
    wire.write(HEAD)
    wire.write(big)
    wire.write(big)
    wire.response_sent()
    assert real.sent == [HEAD + big, big]


def test_a_bodyless_answer_is_sent_when_the_response_ends():
    real = Recording()
    wire = OneWriteTransport(real)
    wire.write(b"HTTP/1.1 304 Not Modified\r\n\r\n")
    wire.response_sent()
    assert real.sent == [b"HTTP/1.1 304 Not Modified\r\n\r\n"]


def test_100_continue_is_not_held():
    real = Recording()
    wire = OneWriteTransport(real)
    wire.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    assert real.sent == [b"HTTP/1.1 100 Continue\r\n\r\n"]


def test_body_text_that_looks_like_a_head_is_not_held():
    real = Recording()
    wire = OneWriteTransport(real)
    wire.write(HEAD)
    wire.write(b"first")
    wire.write(b"HTTP/1.1 200 is in this object's bytes")
    assert real.sent == [HEAD + b"first", b"HTTP/1.1 200 is in this object's bytes"]


def test_close_sends_a_held_head_first():
    real = Recording()
    wire = OneWriteTransport(real)
    wire.write(HEAD)
    wire.close()
    assert real.sent == [HEAD] and real.closed


def test_the_next_response_is_held_again():
    real = Recording()
    wire = OneWriteTransport(real)
    for body in (b"one..", b"two.."):
        wire.write(HEAD)
        wire.write(body)
        wire.response_sent()
    assert real.sent == [HEAD + b"one..", HEAD + b"two.."]


def test_everything_else_is_the_real_transport():
    assert OneWriteTransport(Recording()).get_extra_info("socket") == "info:socket"
