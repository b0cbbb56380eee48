"""Pipeline layer: the build (data step, chapters with papermill, render, publish), the step log
and the command line. The only layer that drives the renderer."""
