"""File names shown without the server's folders."""

import ntpath
import posixpath


def without_folders(files, errors):
    """(files, errors) with every folder of `files` left out: file names only.

    `files` are paths as a command was given them (absolute ones from the
    command line, POSIX or Windows); `errors` are entries (dicts of text, or
    anything else, kept as it is) that name a file by that path, with "!member"
    (in a zip) or ":row" after it, and whose messages may quote the path. Every
    folder of `files` is removed from all of them.
    """
    folders = set()
    for path in files:
        for module in (posixpath, ntpath):
            folder = module.dirname(str(path))
            if folder:
                folders.add(folder.rstrip(module.sep) + module.sep)
    folders = sorted(folders, key=len, reverse=True)

    def strip(text):
        text = str(text)
        for folder in folders:
            # The root ("/") only where a path starts: a zip member's path keeps its slashes.
            text = text.replace(folder, "") if len(folder) > 1 else text.removeprefix(folder)
        return text

    names = [strip(path) for path in files]
    stripped = [
        {key: strip(value) for key, value in entry.items()} if isinstance(entry, dict) else entry
        for entry in errors
    ]
    return names, stripped
