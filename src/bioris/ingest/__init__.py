"""File -> validated records -> one transaction."""
