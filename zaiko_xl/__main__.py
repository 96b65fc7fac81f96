from zaiko_xl.entrypoints.cli import main

main()
