# A test-only stand-in for supervisor_twiddler (which Debian does not
# package): just enough of the namespace for refd-conform's own tests to
# replay the seed README against the real supervisord. Not a reference.
