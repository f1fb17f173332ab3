"""The top floor: pages that combine several features, the navigation and template helpers.

A feature's own pages (the store list, the users admin) stay in the feature's `views`
module; a page that shows or changes the records of several features lives here, so no
feature needs another feature's views. Nothing below imports this package.
"""
