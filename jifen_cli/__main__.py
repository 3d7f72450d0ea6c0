from jifen_cli.cli.app import main

main()
