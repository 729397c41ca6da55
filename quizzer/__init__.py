"""quizzer: an interview-prep and self-assessment quiz engine for LLM engineering."""

__version__ = "0.1.0"
