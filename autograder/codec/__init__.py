"""The data-only codec that is the only thing crossing the judge/worker pipe."""

from autograder.codec.framing import Frame, FrameReader, FrameTimeout, PeerClosed, ProtocolError, write_frame
from autograder.codec.errors import CodecError
from autograder.codec.values import Decoder, Encoder

__all__ = [
    "CodecError", "Decoder", "Encoder", "Frame", "FrameReader", "FrameTimeout", "PeerClosed",
    "ProtocolError", "write_frame",
]
