from execdesk.cli import main

raise SystemExit(main())
