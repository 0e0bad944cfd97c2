"""The review app's work behind its pages: accounts, the queue, a review, a decision."""
