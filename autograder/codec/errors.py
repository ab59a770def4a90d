"""The codec's one error type, shared by the value and the sympy codecs."""


class CodecError(ValueError):
    """A value could not be encoded or a tree could not be decoded."""
