/** The two rows of the tutorial's scoring example, and the iris feature names scikit-learn uses. */
export const IRIS_ROWS: number[][] = [
  [6.0, 2.2, 5.0, 1.5],
  [5.7, 2.9, 4.2, 1.3],
];

export const IRIS_COLUMNS = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"];

/** Class numbers a model trained on `load_iris()` predicts (setosa, versicolor, virginica). */
export const IRIS_CLASSES = [0, 1, 2] as const;
