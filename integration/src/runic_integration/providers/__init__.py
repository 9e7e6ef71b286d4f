"""Server providers: environment, containers, local processes."""
