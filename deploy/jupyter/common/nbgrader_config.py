"""nbgrader for every account on the hub (learners and instructors): the course, the exchange,
who is in the course (JupyterHub groups) and, for instructors, the gradebook.

The hub puts this folder on each server's JUPYTER_CONFIG_PATH (deploy/jupyterhub_config.py), so
nbgrader reads it whatever folder it runs in; on a hub set up by hand, copy it to
/etc/jupyter/nbgrader_config.py. Everything comes from the environment the hub gives the server:

CONNECTWELL_COURSE_ID    the course id (default connectwell); the hub groups are
                         nbgrader-<id> (learners) and formgrade-<id> (instructors)
CONNECTWELL_EXCHANGE     the exchange root every account can write to (/srv/nbgrader/exchange)
CONNECTWELL_COURSE_ROOT  instructors only: their clone of the course repository (~/connectwell);
                         its nbgrader_config.py (solutions/, exercises/, the grading steps) is
                         read too
CONNECTWELL_DB_URL       instructors only: the gradebook, e.g.
                         postgresql+psycopg://USER:PASSWORD@HOST/DBNAME; without it nbgrader
                         keeps gradebook.db (SQLite) in the course root
"""

import os

c = get_config()  # noqa: F821 (Jupyter provides it)

course_id = os.environ.get("CONNECTWELL_COURSE_ID") or "connectwell"
course_root = os.environ.get("CONNECTWELL_COURSE_ROOT")
if course_root:
    course_root = os.path.expanduser(course_root)
    course_config = os.path.join(course_root, "nbgrader_config.py")
    if os.path.isfile(course_config):
        load_subconfig(course_config)  # noqa: F821 (traitlets provides it)
    c.CourseDirectory.root = course_root

c.CourseDirectory.course_id = course_id
c.Exchange.root = os.environ.get("CONNECTWELL_EXCHANGE") or "/srv/nbgrader/exchange"
# One folder per course in the exchange, so several courses can share a hub.
c.Exchange.path_includes_course = True
# Hub groups say who is in which course (nbgrader-<course>, formgrade-<course>).
c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"

db_url = os.environ.get("CONNECTWELL_DB_URL")
if db_url:
    c.CourseDirectory.db_url = db_url
