"""`python -m quizzer` does what the `quizzer` console script does."""

from quizzer.cli import main

if __name__ == "__main__":
    main()
