"""r2p-risk: atrocity-risk assessment on the UN Framework of Analysis, with a transparent scoring model."""

__version__ = "0.1.0"
