"""The Flask extensions, created unbound here and initialised in `create_app`.

The API extension (flask-smorest) is `core.openapi.api`, beside the OpenAPI customisation it
needs; this module sits on the ground floor and imports no other part of the package.
"""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from fieldops.database import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
