"""The reference case, named once: the news article the tracker is tested on (demo data, methodology page, tests)."""

import datetime

from django.conf import settings

ARTICLE_PATH = settings.DATA_DIR / "seed" / "mosul-airstrike-article.txt"
ARTICLE_TITLE = "U.S. military acknowledges strike on Mosul site where more than 100 were allegedly killed"
ARTICLE_DATE = datetime.date(2017, 3, 25)  # "acknowledged for the first time Saturday": Saturday 25 March 2017
ARTICLE_OUTLET = "The Washington Post"
