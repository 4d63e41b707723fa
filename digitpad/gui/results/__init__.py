"""What a finished epoch shows: the confusion matrix and the gallery of mistakes."""
