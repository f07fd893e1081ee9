"""`python -m lockstep.cli ...` runs the command line."""

from lockstep.cli.main import main

main()
