from hopspin.cli import main

raise SystemExit(main())
