"""pyinfra side of the "upload" scenario: one 100 MB file to every host (--data upload_file=PATH)."""

from pyinfra import host
from pyinfra.operations import files

files.put(name="copy the file", src=host.data.upload_file, dest=f"/tmp/bench-upload-{host.name}")
