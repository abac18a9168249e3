"""Where the project is, for the bench's child processes."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
