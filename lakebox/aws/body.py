"""Response payloads that never sit whole in memory."""
from dataclasses import dataclass


@dataclass
class FileRange:
    """Bytes of a file to send. The file is opened when the object's row is read, so a
    blob that a later overwrite deletes stays readable to this response (an unlinked
    file lives on while it is open). Whoever sends the range closes the file."""
    file: object            # an open binary file
    offset: int
    length: int
